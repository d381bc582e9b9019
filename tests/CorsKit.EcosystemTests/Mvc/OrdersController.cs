using Microsoft.AspNetCore.Cors;
using Microsoft.AspNetCore.Mvc;

namespace CorsKit.EcosystemTests.Mvc;

/// <summary>A controller as an app coming from the framework's UseCors() has it: its CORS in the framework's attributes.</summary>
[ApiController]
[Route("api/orders")]
[EnableCors("partner")]
public sealed class OrdersController(OrdersController.Runs runs) : ControllerBase
{
    /// <summary>The actions that ran, in order (one instance per app).</summary>
    public sealed class Runs
    {
        private readonly List<string> _actions = [];

        public IReadOnlyList<string> Actions
        {
            get
            {
                lock (_actions)
                {
                    return [.. _actions];
                }
            }
        }

        public void Add(string action)
        {
            lock (_actions)
            {
                _actions.Add(action);
            }
        }
    }

    [HttpGet]
    public string List()
    {
        runs.Add(nameof(List));
        return "orders";
    }

    [HttpPut("{id:int}")]
    public string Update(int id)
    {
        runs.Add(nameof(Update));
        return $"order {id} updated";
    }

    /// <summary>Only the site itself deletes orders.</summary>
    [HttpDelete("{id:int}")]
    [DisableCors]
    public string Delete(int id)
    {
        runs.Add(nameof(Delete));
        return $"order {id} deleted";
    }
}
